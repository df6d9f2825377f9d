"""The shared real data is reachable through AQA_DATA_DIR
and has the documented form the converters build on."""
from scipy.io import loadmat


def test_aqa7_split_files(real_data_dir):
    train = loadmat(real_data_dir / 'aqa7' / 'split_4_train_list.mat')
    test = loadmat(real_data_dir / 'aqa7' / 'split_4_test_list.mat')
    train = train['consolidated_train_list']
    test = test['consolidated_test_list']
    assert train.shape == (803, 3) and test.shape == (303, 3)
    assert set(train[:, 0].astype(int)) == set(range(1, 7))


def test_real_video_is_readable(real_data_dir):
    import decord
    reader = decord.VideoReader(str(real_data_dir / 'videos' /
                                    'demo_skeleton.mp4'))
    assert len(reader) == 72
    assert reader[0].shape == (1080, 1920, 3)


def test_mtl_aqa_release_files(real_data_dir):
    from aqa_mm.datasets.converters.readers import load_restricted_pickle
    folder = real_data_dir / 'mtl_aqa'
    annotations = load_restricted_pickle(
        str(folder / 'final_annotations_dict.pkl'))
    train = load_restricted_pickle(str(folder / 'train_split_0.pkl'))
    test = load_restricted_pickle(str(folder / 'test_split_0.pkl'))
    assert (len(annotations), len(train), len(test)) == (1412, 1059, 353)
    assert set(annotations[(1, 1)]) >= {
        'start_frame', 'end_frame', 'difficulty', 'final_score', 'position',
        'armstand', 'rotation_type', 'ss_no', 'tw_no'}
